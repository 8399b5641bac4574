"""QObjects that own state and threads (player, job worker, settings). Qt, but no widgets."""
