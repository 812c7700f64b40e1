package dev.idmint.harness.run;

import dev.idmint.harness.plan.NemesisPlan;

/** What one kind of fault does when the nemesis starts it as planned, and when it stops it. */
public interface FaultAction {
  Effect start(NemesisPlan.Event e);

  Effect stop();
}
