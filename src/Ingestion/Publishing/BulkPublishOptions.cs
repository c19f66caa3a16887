namespace ImageSearch.Ingestion.Publishing;

/// <param name="Collection">Target collection for every image; null for the deployment's default.</param>
/// <param name="Label">Label for images whose source gives none.</param>
/// <param name="BatchSize">Messages handed to the broker together; the publisher waits for all their confirms.</param>
/// <param name="MaxBatchesInFlight">Batches awaiting confirms at once: memory is bounded by BatchSize × this.</param>
public sealed record BulkPublishOptions(string? Collection = null, string? Label = null, int BatchSize = 500, int MaxBatchesInFlight = 4);
