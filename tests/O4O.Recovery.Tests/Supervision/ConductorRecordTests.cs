using O4O.Recovery.Configuration;
using O4O.Recovery.Supervision;

namespace O4O.Recovery.Tests.Supervision;

public sealed class ConductorRecordTests
{
    [Fact]
    public void A_conductor_stopping_after_its_run_directory_was_deleted_has_nothing_left_to_delete()
    {
        var home = new O4OHome(Path.Combine(Path.GetTempPath(), $"o4o-home-{Guid.NewGuid():N}"));

        ConductorRecord.Delete(home);

        Assert.False(Directory.Exists(home.Run));
    }
}
