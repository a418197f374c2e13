"""scikit-learn's estimator checks on every deep classifier (tiny configurations)."""

from sklearn.utils.estimator_checks import parametrize_with_checks

from sklearn_raman.neural import CLASSIFIERS, CompactResNet1DClassifier, VGG1DClassifier

# Epochs for the checks: most tiny nets reach their final training accuracy on
# scikit-learn's blobs (check_classifiers_train: > 0.83) within 10 epochs
# (measured 0.88-0.94 at 10 and at 20); the VGG needs 20 (0.89 at 10, 0.65 at
# 8), the compact ResNet 20 for check_class_weight_classifiers.
CHECK_EPOCHS = {VGG1DClassifier: 20, CompactResNet1DClassifier: 20}


def expected_failed_checks(estimator):
    """Checks that fail by design, with the reason (none at present)."""
    return {}


@parametrize_with_checks(
    [
        cls._create_test_instance(max_epochs=CHECK_EPOCHS.get(cls, 10))
        for cls in CLASSIFIERS
    ],
    expected_failed_checks=expected_failed_checks,
)
def test_sklearn_compatible_classifier(estimator, check):
    check(estimator)
