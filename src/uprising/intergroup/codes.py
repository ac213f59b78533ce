"""Model II integer codes: agent states, groups, kernel switch indices, count columns."""

from __future__ import annotations

S_QUIET = 0
S_ACTIVE = 1
S_JAILED = 2
S_OFF = 3  # cop slot not on duty
S_DEAD = 4  # citizen slot free for a newborn

BLUE = 0
GREEN = 1

# Integer switches (array ``sw``).
IW_ARREST_RULE = 0
IW_TWICE_IF_ACTIVE = 1
IW_MOVE_FIRST = 2
IW_MOVEMENT = 3
IW_COPS_MOVE_WHEN_OFF = 4
IW_RELEASE = 5
IW_TERM_RANGE = 6
IW_MAX_TERM = 7  # −1 = never released
IW_WIDTH = 8
IW_HEIGHT = 9
IW_TORUS = 10
IW_OWN_GROUP_ONLY = 11
IW_CLONE_RISK_INHERIT = 12
IW_MAX_AGE = 13
IW_AGE_IN_JAIL = 14
IW_STOP_AT_EXTINCTION = 15
IW_N_COP_SLOTS = 16
N_SWITCHES = 17

COUNT_COLUMNS = (
    "blue",
    "green",
    "blue_active",
    "green_active",
    "quiet",
    "active",
    "jailed",
    "cops",
    "arrests",
    "releases",
    "kills",
    "births",
    "deaths",
    "births_blocked",
)
N_COLUMNS = len(COUNT_COLUMNS)
