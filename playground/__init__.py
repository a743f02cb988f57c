"""The PySide6 front end. It observes the engine through a Session; the engine never imports it."""
