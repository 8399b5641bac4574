"""The results panel: take lanes against the original, listening, splicing, export, history."""
