"""Running code at the same instant from several threads, each with its own database connection."""

from __future__ import annotations

import threading

from django.db import connection


def run_together(*functions) -> list:
    """Start the functions together; return what each returned or raised, in their order."""
    barrier = threading.Barrier(len(functions))
    outcomes: list = [None] * len(functions)

    def run(index, function):
        try:
            barrier.wait()
            outcomes[index] = function()
        except Exception as error:  # handed to the caller's assertions
            outcomes[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=item) for item in enumerate(functions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def failures(outcomes: list) -> list[str]:
    return [repr(outcome) for outcome in outcomes if isinstance(outcome, Exception)]
