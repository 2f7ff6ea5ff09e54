"""Custom actions for Vårdvägen (rasa-sdk). One module per feature."""
