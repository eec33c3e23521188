"""lasercare: laser skin rejuvenation for a practice and its patients."""

__version__ = "0.1.0"
