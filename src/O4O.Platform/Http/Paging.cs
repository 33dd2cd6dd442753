namespace O4O.Platform.Http;

/// <summary>A validated page request: <c>page</c> from 1, <c>pageSize</c> from 1 to <see cref="MaxPageSize"/>.</summary>
public sealed record PageRequest(int Page, int PageSize)
{
    public const int MaxPageSize = 100;
    public const int MaxPage = 100_000;
    public const int DefaultPageSize = 20;

    public int Offset => (Page - 1) * PageSize;

    public static PageRequest Validate(int? page, int? pageSize, FieldErrors errors)
    {
        errors.When(page is < 1 or > MaxPage, "page", $"page must be between 1 and {MaxPage}.");
        errors.When(pageSize is < 1 or > MaxPageSize, "pageSize", $"pageSize must be between 1 and {MaxPageSize}.");
        return new PageRequest(page ?? 1, pageSize ?? DefaultPageSize);
    }
}

/// <summary>One page of results and where it sits in the whole.</summary>
public sealed record PagedList<T>(IReadOnlyList<T> Items, int Page, int PageSize, long TotalCount)
{
    public int TotalPages => (int)((TotalCount + PageSize - 1) / PageSize);
}
