namespace O4O.Platform.Hosting;

public static class PlatformRunner
{
    /// <summary>
    /// Runs until shutdown. A failure to start (no database, port taken, bad configuration) ends the process with
    /// exit code 1 and one line on standard error that the conductor can show, instead of an unhandled-exception dump.
    /// </summary>
    public static async Task<int> RunPlatformAsync(this WebApplication app)
    {
        try
        {
            await app.RunAsync();
            return 0;
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            app.Logger.LogCritical(exception, "The platform stopped: {Reason}", exception.Message);
            await Console.Error.WriteLineAsync($"o4o platform: {exception.Message}");
            return 1;
        }
    }
}
