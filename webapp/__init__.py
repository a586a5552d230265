"""The Streamlit app's own code: safe HTML for cited results, documents and questions (imported by ``app.py``)."""
