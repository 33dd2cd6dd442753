using Microsoft.AspNetCore.Http.HttpResults;

namespace O4O.Platform.Http;

/// <summary>The problem-details answers the endpoints share (served as <c>application/problem+json</c>).</summary>
public static class Problems
{
    public static ProblemHttpResult NotFound(string detail) => TypedResults.Problem(detail, statusCode: StatusCodes.Status404NotFound);

    public static ProblemHttpResult Conflict(string detail) => TypedResults.Problem(detail, statusCode: StatusCodes.Status409Conflict);
}
