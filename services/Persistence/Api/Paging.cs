using HeartRule.Localization;

namespace HeartRule.Persistence.Api;

/// <summary>Page parameters shared by the list endpoints: page is 1-based, pageSize at most <see cref="MaxPageSize"/>.</summary>
public static class Paging
{
    public const int DefaultPageSize = 20;
    public const int MaxPageSize = 100;

    /// <summary>The page and size to use, or a VALIDATION_FAILED problem.</summary>
    public static (int Page, int PageSize, IResult? Problem) Resolve(HttpContext http, int? page, int? pageSize)
    {
        if (page is < 1) return (0, 0, ApiProblems.Invalid(http, "page", LocalText.Of("error.pageFromOne"), ApiProblems.IntegerFrom(1), page.ToString()));
        if (pageSize is < 1 or > MaxPageSize)
            return (0, 0, ApiProblems.Invalid(http, "pageSize", LocalText.Of("error.fieldRange", ("field", "pageSize"), ("min", 1), ("max", MaxPageSize)),
                ApiProblems.IntegerRange(1, MaxPageSize), pageSize.ToString()));
        return (page ?? 1, pageSize ?? DefaultPageSize, null);
    }
}
