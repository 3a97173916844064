"""Lectern for JupyterLab: present a notebook live, follow one read-only from a link.

The package only carries the prebuilt JupyterLab extension; it has no server part.
"""

__version__ = "0.1.0"


def _jupyter_labextension_paths():
    return [{"src": "labextension", "dest": "lectern-jupyterlab"}]
