namespace Ratus.Domain.Common;

public sealed record DeleteResult(long Deleted);
