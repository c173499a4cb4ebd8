"""What the terminal shows: the list views (laid out in plain Python), rich panels, the palette.

Views and panels are renderables: callers decide where and how to print them. Every piece of
event text goes through ``timeline.text.visible``, so data can never drive the terminal.
"""
