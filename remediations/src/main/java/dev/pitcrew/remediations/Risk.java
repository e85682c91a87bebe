package dev.pitcrew.remediations;

/** Whether an action only reads the cluster or changes it. Mutations always need an approval. */
public enum Risk {
  READ,
  MUTATE
}
