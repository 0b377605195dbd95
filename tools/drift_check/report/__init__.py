"""Output formats for findings: text, json, sarif, github, and the step summary."""
