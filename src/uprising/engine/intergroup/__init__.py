"""Model II's kernel (inter-group violence): ``kernel.run_ticks`` and its rules, which reuse
Model I's rules (``uprising.engine.rules``) wherever they are the same."""
