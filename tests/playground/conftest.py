"""Every GUI test keeps its QSettings (window geometry, last preset) in its own temporary folder."""

import pytest
from PySide6.QtCore import QSettings


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path):
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path))


@pytest.fixture
def xor(qapp):
    """A session on the XOR preset (2-2-1, tanh)."""
    from playground.session import Session

    session = Session(preset="XOR")
    yield session
    session.shutdown()


@pytest.fixture
def digits(qapp):
    """A session on the "3Blue1Brown digits" preset (784-16-16-10, sigmoid)."""
    from playground.session import Session

    session = Session(preset="3Blue1Brown digits")
    yield session
    session.shutdown()


@pytest.fixture
def exploding_xor(qapp):
    """XOR with a linear ReLU network, MSE and plain SGD at learning rate 10: the cost explodes."""
    from playground.session import Session

    session = Session(preset="XOR")
    session.set_activation("relu")
    session.set_output("linear")
    session.set_cost("mse")
    session.set_optimizer("sgd")
    session.set_learning_rate(10.0)
    yield session
    session.shutdown()
