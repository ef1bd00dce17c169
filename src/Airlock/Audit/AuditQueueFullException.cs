namespace Airlock.Audit;

/// <summary>The audit writer's queue is full: the record cannot be taken now, so the call must not go ahead.</summary>
internal sealed class AuditQueueFullException(int capacity)
    : Exception($"The audit queue is full ({capacity} records waiting); the call is refused rather than left unrecorded.");
