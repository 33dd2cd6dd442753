using System.CommandLine;
using O4O.Cli.Resources;

namespace O4O.Cli.Commands;

/// <summary><c>o4o db url [--show-secrets]</c>: the platform database's libpq URI, for psql, pg_dump and pgbench.</summary>
internal static class DbCommand
{
    public static Command Create(CliContext context)
    {
        var showSecrets = new Option<bool>("--show-secrets") { Description = Strings.DbUrlShowSecretsOption };
        var url = new Command("url", Strings.DbUrlDescription);
        url.Options.Add(showSecrets);
        url.SetAction(async (ParseResult result, CancellationToken _) =>
        {
            var target = DatabaseCommands.Target(context);
            if (target.Password is null)
            {
                await context.Error.WriteLineAsync(Strings.DbUrlNoPassword);
            }

            await context.Out.WriteLineAsync(target.ToUri(result.GetValue(showSecrets)));
            return ExitCodes.Success;
        });

        var db = new Command("db", Strings.DbDescription);
        db.Subcommands.Add(url);
        return db;
    }
}
