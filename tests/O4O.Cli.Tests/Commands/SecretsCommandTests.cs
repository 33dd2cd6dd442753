namespace O4O.Cli.Tests.Commands;

[Collection(LocalisedOutput.Collection)]
public sealed class SecretsCommandTests
{
    [Fact]
    public async Task Secrets_rotate_without_yes_and_without_a_terminal_changes_nothing_and_says_so_in_one_line()
    {
        using var cli = new CliRun();

        var result = await cli.RunAsync("secrets", "rotate");

        Assert.Equal(ExitCodes.Failure, result.ExitCode);
        Assert.Equal("o4o: Refusing to rotate secrets without confirmation: stdin is not a terminal. Nothing was changed; pass --yes.",
            Assert.Single(result.ErrorLines));
        Assert.Empty(result.Out);
        Assert.False(Directory.Exists(cli.Home.Secrets));
    }
}
