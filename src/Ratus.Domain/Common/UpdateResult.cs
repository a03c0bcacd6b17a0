namespace Ratus.Domain.Common;

// The outcome of an insert or upsert: how many tasks were created and how many replaced.
public sealed record UpdateResult(long Created, long Updated);
