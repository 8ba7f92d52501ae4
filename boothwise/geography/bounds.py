"""Approximate bounding boxes of India's states and union territories.

Keyed by the state abbreviations of the ECI Delimitation Order 2008 as loaded into
`State.abbr` (so Andhra Pradesh still includes Telangana, Jammu & Kashmir includes
Ladakh, Odisha is "OD" and Uttarakhand "UK"). The boxes are rectangles drawn a little
outside each border, good enough to catch swapped, mistyped or foreign coordinates in a
polling-station list, not to decide which side of a border a point lies on.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Box:
    lat_min: float
    lat_max: float
    lon_min: float
    lon_max: float

    def contains(self, latitude: float | Decimal, longitude: float | Decimal) -> bool:
        lat, lon = float(latitude), float(longitude)
        return (
            self.lat_min <= lat <= self.lat_max and self.lon_min <= lon <= self.lon_max
        )


# (lat_min, lat_max, lon_min, lon_max), degrees north and east.
STATE_BOXES: dict[str, Box] = {
    "AN": Box(6.5, 14.0, 92.0, 94.3),  # Andaman and Nicobar Islands
    "AP": Box(12.6, 19.95, 76.7, 84.8),  # Andhra Pradesh (with Telangana, 2008)
    "AR": Box(26.6, 29.5, 91.5, 97.5),  # Arunachal Pradesh
    "AS": Box(24.1, 28.0, 89.7, 96.1),  # Assam
    "BR": Box(24.3, 27.6, 83.3, 88.3),  # Bihar
    "CH": Box(30.65, 30.8, 76.68, 76.85),  # Chandigarh
    "CG": Box(17.75, 24.15, 80.2, 84.45),  # Chhattisgarh
    "DN": Box(20.0, 20.4, 72.9, 73.25),  # Dadra and Nagar Haveli
    "DD": Box(20.3, 20.8, 70.8, 72.95),  # Daman and Diu
    "DL": Box(28.4, 28.9, 76.8, 77.35),  # Delhi
    "GA": Box(14.85, 15.85, 73.65, 74.35),  # Goa
    "GJ": Box(20.1, 24.75, 68.1, 74.5),  # Gujarat
    "HR": Box(27.6, 31.0, 74.4, 77.6),  # Haryana
    "HP": Box(30.35, 33.3, 75.55, 79.0),  # Himachal Pradesh
    "JK": Box(32.25, 37.1, 72.5, 80.4),  # Jammu and Kashmir (with Ladakh, 2008)
    "JH": Box(21.95, 25.35, 83.3, 87.95),  # Jharkhand
    "KA": Box(11.55, 18.5, 74.0, 78.6),  # Karnataka
    "KL": Box(8.15, 12.8, 74.85, 77.45),  # Kerala
    "LD": Box(8.0, 12.5, 71.5, 74.0),  # Lakshadweep
    "MP": Box(21.05, 26.9, 74.0, 82.85),  # Madhya Pradesh
    "MH": Box(15.6, 22.05, 72.6, 80.9),  # Maharashtra
    "MN": Box(23.8, 25.7, 93.0, 94.8),  # Manipur
    "ML": Box(25.0, 26.15, 89.8, 92.85),  # Meghalaya
    "MZ": Box(21.9, 24.55, 92.25, 93.45),  # Mizoram
    "NL": Box(25.2, 27.05, 93.3, 95.25),  # Nagaland
    "OD": Box(17.8, 22.6, 81.35, 87.5),  # Odisha
    "PB": Box(29.5, 32.55, 73.85, 76.95),  # Punjab
    # Puducherry's four districts lie far apart (Puducherry, Karaikal, Mahe, Yanam).
    "PY": Box(10.8, 16.8, 75.5, 82.3),
    "RJ": Box(23.0, 30.2, 69.4, 78.3),  # Rajasthan
    "SK": Box(27.05, 28.15, 88.0, 88.95),  # Sikkim
    "TN": Box(8.05, 13.6, 76.2, 80.4),  # Tamil Nadu
    "TR": Box(22.9, 24.55, 91.1, 92.35),  # Tripura
    "UP": Box(23.85, 30.45, 77.05, 84.65),  # Uttar Pradesh
    "UK": Box(28.7, 31.5, 77.55, 81.05),  # Uttarakhand
    "WB": Box(21.5, 27.25, 85.8, 89.9),  # West Bengal
}

# Older or alternative abbreviations for the same places.
ALIASES = {"OR": "OD", "UT": "UK", "TS": "AP", "LA": "JK"}


def state_box(abbr: str) -> Box | None:
    """The box of state `abbr` ("RJ"), or None for an abbreviation we do not know."""
    abbr = abbr.strip().upper()
    return STATE_BOXES.get(ALIASES.get(abbr, abbr))


def in_state(abbr: str, latitude: float | Decimal, longitude: float | Decimal) -> bool:
    """Whether the point lies in the state's box. Unknown states accept every point."""
    box = state_box(abbr)
    return box is None or box.contains(latitude, longitude)
