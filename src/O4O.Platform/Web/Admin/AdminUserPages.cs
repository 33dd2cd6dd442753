using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using O4O.Platform.Auth;
using O4O.Platform.Http;
using O4O.Platform.Users;
using O4O.Platform.Web.Components;
using O4O.Platform.Web.Components.Admin;
using O4O.Platform.Web.Resources;

namespace O4O.Platform.Web.Admin;

/// <summary>Accounts in the console: who they are, whether they can sign in; lock and unlock, logged and recorded with the admin.</summary>
internal static class AdminUserPages
{
    private const int PageSize = 20;

    public static async Task<RazorComponentResult<AdminUsers>> List(
        int? page, long? changed, UserStore users, TimeProvider time, CancellationToken cancellationToken)
    {
        var list = await users.ListAsync(SearchText.Page(page, PageSize), cancellationToken);
        var notice = changed is { } id && await users.FindAsync(id, cancellationToken) is { } user
            ? Text.Get(user.Disabled ? Text.UserLocked : Text.UserUnlocked, user.Email)
            : null;
        return Page(list, time, notice, error: null, StatusCodes.Status200OK);
    }

    public static Task<Results<RedirectHttpResult, RazorComponentResult<AdminUsers>, RazorComponentResult<NotFoundPage>>> Lock(
        long id, [FromForm] int? page, UserStore users, TimeProvider time, ILoggerFactory loggers, HttpContext context, CancellationToken cancellationToken) =>
        SetLockedAsync(id, locked: true, page, users, time, loggers, context, cancellationToken);

    public static Task<Results<RedirectHttpResult, RazorComponentResult<AdminUsers>, RazorComponentResult<NotFoundPage>>> Unlock(
        long id, [FromForm] int? page, UserStore users, TimeProvider time, ILoggerFactory loggers, HttpContext context, CancellationToken cancellationToken) =>
        SetLockedAsync(id, locked: false, page, users, time, loggers, context, cancellationToken);

    private static async Task<Results<RedirectHttpResult, RazorComponentResult<AdminUsers>, RazorComponentResult<NotFoundPage>>> SetLockedAsync(
        long id, bool locked, int? page, UserStore users, TimeProvider time, ILoggerFactory loggers, HttpContext context, CancellationToken cancellationToken)
    {
        var request = SearchText.Page(page, PageSize);
        if (locked && id == context.User.UserId())
        {
            // The console's last admin must not be able to shut everyone out by a slip of the mouse.
            return Page(await users.ListAsync(request, cancellationToken), time, notice: null, Text.ErrorLockSelf, StatusCodes.Status409Conflict);
        }

        if (await users.SetLockedAsync(id, locked, context.User.UserId(), time.GetUtcNow(), cancellationToken) is not { } user)
        {
            return StorefrontPages.NotFound();
        }

        loggers.CreateLogger(typeof(AdminUserPages)).LogInformation("Admin {Admin} {Action} user {UserId} ({Email})",
            context.User.Identity?.Name, locked ? "locked" : "unlocked", user.Id, user.Email);
        return TypedResults.LocalRedirect(string.Create(CultureInfo.InvariantCulture, $"/admin/users?page={request.Page}&changed={user.Id}"));
    }

    private static RazorComponentResult<AdminUsers> Page(PagedList<UserResponse> users, TimeProvider time, string? notice, string? error, int status) =>
        new(new { Users = users, Now = time.GetUtcNow().UtcDateTime, Notice = notice, Error = error }) { StatusCode = status };
}
