namespace HeartRule.Persistence.Api;

/// <summary>Page parameters shared by the list endpoints: page is 1-based, pageSize at most <see cref="MaxPageSize"/>.</summary>
public static class Paging
{
    public const int DefaultPageSize = 20;
    public const int MaxPageSize = 100;

    /// <summary>The page and size to use, or a VALIDATION_FAILED problem.</summary>
    public static (int Page, int PageSize, IResult? Problem) Resolve(HttpContext http, int? page, int? pageSize)
    {
        if (page is < 1) return (0, 0, ApiProblems.Invalid(http, "page", "page starts at 1.", "an integer ≥ 1", page.ToString()));
        if (pageSize is < 1 or > MaxPageSize)
            return (0, 0, ApiProblems.Invalid(http, "pageSize", $"pageSize must be between 1 and {MaxPageSize}.", $"an integer from 1 to {MaxPageSize}", pageSize.ToString()));
        return (page ?? 1, pageSize ?? DefaultPageSize, null);
    }
}
