"""The typed core API, one module per noun (profiles, board, ...).

Faces (the CLI and the HTTP shim) call these functions and render what they return; nothing here knows
about command-line flags or HTTP status codes. ``jobagent.core`` holds the older submission functions
until they move here too.
"""
