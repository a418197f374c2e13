"""scikit-learn's estimator checks on every deep classifier (tiny configurations)."""

from sklearn.utils.estimator_checks import parametrize_with_checks
from tiny_nets import NET_PARAMS, tiny


def expected_failed_checks(estimator):
    """Checks that fail by design, with the reason (none at present)."""
    return {}


@parametrize_with_checks(
    [tiny(cls) for cls in NET_PARAMS], expected_failed_checks=expected_failed_checks
)
def test_sklearn_compatible_classifier(estimator, check):
    check(estimator)
