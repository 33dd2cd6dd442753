using System.CommandLine;

namespace O4O.Cli.Commands;

/// <summary>
/// A command that handles SIGINT and SIGTERM itself (<c>up</c> stops its children, <c>psql</c> leaves Ctrl+C to psql):
/// System.CommandLine's own handling, which gives up on an action after a short timeout, is switched off for it.
/// </summary>
internal sealed class SignalOwningCommand(string name, string description) : Command(name, description);
