"""jabodash: analytics dashboard for the Jakarta metropolitan area (Jabodetabek + Kab. Cianjur)."""

__version__ = "0.1.0"
