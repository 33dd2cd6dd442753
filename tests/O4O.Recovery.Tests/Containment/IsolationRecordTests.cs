using System.Globalization;
using O4O.Recovery.Containment;
using O4O.Recovery.Incidents;
using O4O.Recovery.Tests.Incidents;

namespace O4O.Recovery.Tests.Containment;

public sealed class IsolationRecordTests : IDisposable
{
    private static readonly DateTimeOffset _at = new(2026, 12, 6, 3, 0, 0, TimeSpan.Zero);
    private static readonly CultureInfo _korean = CultureInfo.GetCultureInfo("ko");
    private readonly StateFile _state = new();

    [Fact]
    public async Task An_isolation_reads_in_Korean_on_the_incident_it_opens_title_and_timeline_alike()
    {
        var store = new IncidentStore(_state.Path);
        var id = await IsolationRecord.RecordAsync(_state.Path, on: true, "kim (cli)", _at, default);
        await IsolationRecord.RecordAsync(_state.Path, on: false, "kim (cli)", _at.AddMinutes(30), default);

        var incident = await store.GetAsync(id!.Value, default);
        var timeline = await store.TimelineAsync(id.Value, default);
        Assert.Equal("상점을 격리했습니다: nginx가 API와 사이트로 프록시하지 않고 점검 페이지를 제공하며, 컨덕터는 예약 백업과 업로드를 하지 않습니다",
            IncidentText.Title(incident, _korean));
        Assert.Equal("격리를 해제했습니다: nginx가 다시 상점을 제공하며 예약 백업과 업로드가 재개됩니다",
            IncidentText.Entry(timeline[^1], incident, _korean));
        Assert.StartsWith("the shop was isolated: nginx serves the maintenance page", IncidentText.Title(incident, CultureInfo.InvariantCulture),
            StringComparison.Ordinal);
    }

    public void Dispose() => _state.Dispose();
}
