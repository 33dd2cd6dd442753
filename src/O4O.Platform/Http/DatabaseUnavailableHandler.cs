using Microsoft.AspNetCore.Diagnostics;
using Npgsql;
using O4O.Recovery.Postgres;

namespace O4O.Platform.Http;

/// <summary>
/// Answers 503 when the database is unreachable and throws away the pooled connections, which are dead after a
/// restart or a swap: the next request opens fresh ones, so the platform recovers without being restarted.
/// </summary>
internal sealed class DatabaseUnavailableHandler(
    NpgsqlDataSource dataSource,
    IProblemDetailsService problemDetails,
    ILogger<DatabaseUnavailableHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (!DatabaseFailure.IsUnavailable(exception))
        {
            return false;
        }

        dataSource.Clear();
        logger.LogError("Database unavailable during {Method} {Path}: {Reason}; connection pool cleared",
            httpContext.Request.Method, httpContext.Request.Path, exception.Message);
        httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        httpContext.Response.Headers.RetryAfter = "1";
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails =
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "The database is unavailable",
                Detail = "Nothing was changed. Retry in a moment.",
            },
        });
    }
}
