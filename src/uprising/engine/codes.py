"""Every integer code the kernels and their callers share, in one place.

Cell codes (array ``code``), agent kinds and states, the switch indices of the integer switch
array ``sw``, the names of the rules a switch selects (and one named constant per name, used in
the kernels instead of bare numbers), per-agent flag bits, the indices of the scalar mechanism
array ``mech``, and the names of the per-tick count columns. Model II (``engine/intergroup``)
shares Model I's codes where the meaning is the same and adds its own after them.

Numba reads these module-level integers as compile-time constants.
"""

from __future__ import annotations

# -- cell codes (array ``code``, int8) ----------------------------------------------------------
EMPTY = 0
QUIET = 1
ACTIVE = 2
JAILED = 3  # a jailed citizen that keeps (and blocks) its cell
COP = 4
TARGET = 5  # a target building (violence mechanism): blocks its cell, never counted

# -- agent states (array ``state``, int8) -------------------------------------------------------
S_QUIET = 0
S_ACTIVE = 1
S_JAILED = 2
S_OFF = 3  # a cop slot not on duty (removed by a timeline event, not yet deployed, or injured)
S_DEAD = 4  # Model I: a protester killed during an arrest; Model II: a slot free for a newborn

# -- agent kinds (array ``kind``, int8; Model I) ------------------------------------------------
K_CITIZEN = 0
K_COP = 1
K_DEFECTOR = 2  # a former cop who changed sides (defection mechanism)

# -- rule names (names mirror uprising.scenario.schema) and their integer codes -----------------
ARREST_RULES = ("literal", "floor", "round_half_even", "round_half_up")
ARREST_LITERAL = 0  # C/A as a real number
ARREST_FLOOR = 1  # ⌊C/A⌋ (Epstein's integer division)
ARREST_ROUND_HALF_EVEN = 2
ARREST_ROUND_HALF_UP = 3

JAILED_MODES = ("removed", "stay_and_block", "stay_as_empty")
JAILED_REMOVED = 0
JAILED_STAY_AND_BLOCK = 1
JAILED_STAY_AS_EMPTY = 2

RELEASE_MODES = ("near_arrest", "anywhere", "in_place")
RELEASE_NEAR_ARREST = 0
RELEASE_ANYWHERE = 1
RELEASE_IN_PLACE = 2

TERM_RANGES = ("one_to_max", "zero_to_max_minus_one", "zero_to_max")
TERM_ONE_TO_MAX = 0
TERM_ZERO_TO_MAX_MINUS_ONE = 1
TERM_ZERO_TO_MAX = 2

# -- switch indices (array ``sw``, int64) -------------------------------------------------------
SW_ARREST_RULE = 0  # an ARREST_* code
SW_TWICE_IF_ACTIVE = 1
SW_MOVE_FIRST = 2
SW_MOVEMENT = 3
SW_COPS_MOVE_WHEN_OFF = 4
SW_JAILED = 5  # a JAILED_* code
SW_RELEASE = 6  # a RELEASE_* code
SW_COP_TO_ARRESTEE = 7
SW_TERM_RANGE = 8  # a TERM_* code
SW_COUNTDOWN_OWN_STEP = 9
SW_MAX_TERM = 10  # −1 means infinite
SW_WIDTH = 11
SW_HEIGHT = 12
SW_TORUS = 13
N_SWITCHES = 14

# -- per-agent flag bits (array ``flags``, int8) ------------------------------------------------
F_MOBILISER = 1
F_VIOLENT = 2
F_FOREIGN = 4  # a cop of an outside power's contingent: never defects, never reluctant

# -- scalar mechanism parameters (array ``mech``, float64) --------------------------------------
M_IN_GROUP = 0  # 1: A counts co-group actives + w · out-group actives
M_OUT_WEIGHT = 1
M_MOBILISERS = 2  # 1: mobilisers present
M_MOB_THRESHOLD_DROP = 3
M_MOB_GRIEVANCE_BOOST = 4
M_RELUCTANCE = 5
M_RELUCTANCE_HALF = 6
M_DEFECTION = 7
M_DEFECT_JOIN = 8
M_DEFECT_REVERSIBLE = 9
M_VIOLENCE = 10
M_VIOLENCE_CROWD = 11
M_DAMAGE = 12
M_P_PROTESTER_CASUALTY = 13
M_P_POLICE_CASUALTY = 14
M_MOVE_PROBABILITY = 15
M_LOYALTY_SCALE = 16
M_DEFECT_PEER = 17  # β: weight of the share of defected security forces in view
M_DEFECT_SANCTION = 18  # σ: expected sanction for defecting, enforced in proportion to 1 − q
M_DEFECT_RETURN = 19  # a defector returns when its pressure < return_fraction · θ_i·ℓ
M_FIRE = 20  # per activation: probability a cop with violent actives in view fires on them
M_FIRE_LETHALITY = 21  # share of fire casualties who die (the others are injured)
M_FIRE_BYSTANDER = 22  # share of shots that hit a quiet citizen in view (when there is one)
M_POLICE_LETHALITY = 23  # share of police casualties who die (the others are injured)
M_DEFECT_SANCTION_FORCE = 24  # 1: σ enforced in proportion to 1 − Q (Q: the lattice's
# defected share of its security forces, at the start of the tick) instead of 1 − q
N_MECH = 25

# -- per-tick count columns (Model I) -----------------------------------------------------------
COUNT_COLUMNS = ("quiet", "active", "jailed", "cops", "arrests", "releases")
# Further columns returned by reference.run_ticks_mech. ``killed``: protesters killed (at
# arrests and by fire), ``injured``: protesters injured by fire; bystanders: quiet citizens hit
# by fire; ``police_casualties``: every police casualty, ``police_killed`` the dead among them.
MECH_COLUMNS = (
    "violent",
    "reluctant",
    "defected",
    "killed",
    "police_casualties",
    "targets_damaged",
    "targets_destroyed",
    "injured",
    "bystanders_killed",
    "bystanders_injured",
    "police_killed",
)

# -- Model II (engine/intergroup) ---------------------------------------------------------------
# Groups (array ``group``).
BLUE = 0
GREEN = 1

# Model II's switch array holds Model I's indices above with the same meaning (SW_JAILED is
# always JAILED_REMOVED, SW_COP_TO_ARRESTEE 0, SW_COUNTDOWN_OWN_STEP unused), then its own:
SW_IG_OWN_GROUP_ONLY = N_SWITCHES  # 1: a citizen counts only actives of its own group
SW_IG_CLONE_RISK_INHERIT = N_SWITCHES + 1  # 1: a clone inherits R, else draws it
SW_IG_MAX_AGE = N_SWITCHES + 2
SW_IG_AGE_IN_JAIL = N_SWITCHES + 3
SW_IG_STOP_AT_EXTINCTION = N_SWITCHES + 4
SW_IG_N_COP_SLOTS = N_SWITCHES + 5  # agent slots 0 .. n−1 are cops, the rest citizens
N_IG_SWITCHES = N_SWITCHES + 6

# Per-tick count columns of Model II.
IG_COUNT_COLUMNS = (
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
IG_N_COLUMNS = len(IG_COUNT_COLUMNS)
