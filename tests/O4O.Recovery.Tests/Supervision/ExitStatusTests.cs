using O4O.Recovery.Processes;

namespace O4O.Recovery.Tests.Supervision;

public sealed class ExitStatusTests
{
    [Theory]
    [InlineData(0, "exited with code 0")]
    [InlineData(1, "exited with code 1")]
    [InlineData(128, "exited with code 128")]
    [InlineData(134, "killed by signal 6 (SIGABRT)")]
    [InlineData(137, "killed by signal 9 (SIGKILL)")]
    [InlineData(139, "killed by signal 11 (SIGSEGV)")]
    [InlineData(143, "killed by signal 15 (SIGTERM)")]
    [InlineData(130, "killed by signal 2 (SIGINT)")]
    [InlineData(131, "exited with code 131")]
    [InlineData(168, "exited with code 168")]
    [InlineData(255, "exited with code 255")]
    public void An_exit_code_of_128_plus_a_killing_signal_is_described_as_that_signal(int exitCode, string described) =>
        Assert.Equal(described, ExitStatus.Describe(exitCode));
}
