"""The HTML report of an identification: self-contained, and rendered by a browser."""

import re
import shutil
import subprocess
import warnings

import numpy as np
import pytest
from conftest import MMPSD_FTIR

from sklearn_raman import CompactResNet1DClassifier, make_spectra
from sklearn_raman.__main__ import main
from sklearn_raman.identification import SpectrumIdentifier, write_report

BROWSER = next(
    (b for b in ("chromium", "chromium-browser", "google-chrome") if shutil.which(b)),
    None,
)
needs_browser = pytest.mark.skipif(
    BROWSER is None,
    reason="no headless Chromium installed (apt-get install chromium; CI has it)",
)


def _known_and_unknown(n_per_class=12):
    spectra, y = make_spectra(
        n_classes=5, n_samples_per_class=n_per_class, ragged=True, random_state=0
    )
    names = np.array(["albite", "calcite", "gypsum", "quartz", "mystery"])[y]
    known = names != "mystery"
    return spectra, names, known


@pytest.fixture(scope="module")
def library_report(tmp_path_factory):
    spectra, names, known = _known_and_unknown()
    identifier = SpectrumIdentifier(model="library").fit(
        [s for s, k in zip(spectra, known) if k], names[known], source="synthetic/"
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # one ragged spectrum is a bit short
        result = identifier.identify(spectra, names=[f"q{i}.csv" for i in range(60)])
    path = tmp_path_factory.mktemp("report") / "report.html"
    return write_report(identifier, result, path), result


def test_the_report_is_one_self_contained_file(library_report):
    path, result = library_report
    text = path.read_text(encoding="utf-8")
    # nothing fetched: no links, external scripts, styles, fonts or images
    assert not re.search(r"https?://", text)
    assert not re.search(r"<(link|img|iframe)\b|\bsrc=|@import|url\(", text)
    assert text.count('<tr class="spectrum"') == len(result) == 60
    assert text.count("<details") == 60 and text.count('class="fig"') == 60
    for material in ("albite", "calcite", "gypsum", "quartz"):
        assert f"{material} (12)" in text  # the model's classes and counts
    assert "synthetic/" in text and "calibrated to accept 95%" in text
    assert "mystery" not in text.split("<h2>Model")[1].split("<h2>Spectra")[0]
    unseen = result.novelty < result.threshold
    label, count = str(result.verdicts[unseen][0]), int(unseen.sum())
    assert count >= 5  # most of the 12 spectra of the mineral it never saw
    assert f'<td class="unknown">{label}</td><td>{count}</td>' in text  # summary


def test_report_size_per_spectrum_is_bounded(tmp_path):
    spectra, names, known = _known_and_unknown(n_per_class=40)
    identifier = SpectrumIdentifier(model="library").fit(spectra, names)
    result = identifier.identify(spectra)
    path = write_report(identifier, result, tmp_path / "r.html")
    per_spectrum = path.stat().st_size / len(result)
    # 1,000 spectra: about 5 MB (min and max of 200 bins per curve)
    assert per_spectrum < 6000, per_spectrum


def test_the_report_of_a_cnn_shades_its_relevance(tmp_path):
    spectra, names, known = _known_and_unknown()
    cnn = CompactResNet1DClassifier._create_test_instance(max_epochs=2)
    identifier = SpectrumIdentifier(model=cnn, cv=2).fit(spectra, names)
    result = identifier.identify(spectra[:5])
    text = write_report(identifier, result, tmp_path / "cnn.html").read_text()
    assert text.count('class="rel"') == 5 and "Grad-CAM" in text


def render(path, tmp_path, screenshot=None) -> tuple[list[str], dict]:
    """Open ``path`` in headless Chromium: console lines and <body> data."""
    base = [BROWSER, "--headless", "--no-sandbox", "--disable-gpu"]
    base += ["--no-first-run", f"--user-data-dir={tmp_path / 'profile'}"]
    done = subprocess.run(
        [*base, "--enable-logging=stderr", "--v=0", "--dump-dom", path.as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    console = [ln for ln in done.stderr.splitlines() if ":CONSOLE" in ln]
    body = re.search(r"<body([^>]*)>", done.stdout).group(1)
    data = dict(re.findall(r'data-([a-z-]+)="([^"]*)"', body))
    if screenshot is not None:
        subprocess.run(
            [*base, f"--screenshot={screenshot}", "--window-size=1100,1400"]
            + ["--hide-scrollbars", path.as_uri()],
            capture_output=True,
            timeout=120,
            check=True,
        )
    return console, data


@needs_browser
def test_the_report_renders_in_a_browser(library_report, tmp_path):
    path, result = library_report
    console, data = render(path, tmp_path, screenshot=tmp_path / "report.png")
    assert console == []  # no error, no message at all
    assert data == {
        "rows": str(len(result)),
        "figures": str(len(result)),
        "figures-drawn": str(len(result)),
    }
    assert (tmp_path / "report.png").stat().st_size > 10_000


@needs_browser
def test_the_mmpsd_report_with_pet_held_out_renders(mmpsd_reference, tmp_path):
    reference = mmpsd_reference
    model, report = tmp_path / "plastics.skops", tmp_path / "report.html"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # 30 PP files: a stray value on line 1
        argv = ["train", "--data", str(reference), "--model", "library", "-q"]
        assert main([*argv, "--out", str(model)]) == 0
        argv = ["identify", str(model), str(MMPSD_FTIR / "PET"), "-q"]
        assert main([*argv, "--report", str(report)]) == 0
    text = report.read_text(encoding="utf-8")
    rows = text.count('<tr class="spectrum"')
    assert rows == 39  # every PET file
    assert text.count('<td class="unknown">unknown</td>') >= 35  # a row each
    console, data = render(report, tmp_path, screenshot=tmp_path / "mmpsd.png")
    assert console == []
    assert data["rows"] == data["figures"] == data["figures-drawn"] == "39"


def test_a_report_without_prediction_sets(tmp_path):
    spectra, names, known = _known_and_unknown(n_per_class=6)
    identifier = SpectrumIdentifier(model="library").fit(spectra, names)
    result = identifier.identify(spectra[:3], alpha=None)
    text = write_report(identifier, result, tmp_path / "r.html").read_text()
    assert "<th>prediction set</th>" in text
    assert text.count('<tr class="spectrum"') == 3
