package dev.pitcrew.approvals;

class InMemoryClaimsTest extends ClaimsContract {
  @Override
  Claims claims() {
    return Claims.inMemory(clock);
  }
}
