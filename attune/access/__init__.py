"""Who may see which child, which record and which field: the one place that decides.

``rules`` holds the policy as plain Python; ``standing`` looks up a reader's ties to a child;
``children`` is the door every page goes through; ``pages`` guards pages by role. Feature apps
say where their ties are recorded (``ties.provide``) and never decide access themselves.
"""
