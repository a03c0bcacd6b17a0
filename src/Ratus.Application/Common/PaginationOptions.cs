namespace Ratus.Application.Common;

public sealed class PaginationOptions
{
    public const string SectionName = "Pagination";

    public int MaxLimit { get; set; } = 100;

    public int MaxOffset { get; set; } = 10_000;
}
