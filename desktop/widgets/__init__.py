"""Qt views for the main window: they show data and emit signals, nothing more."""
