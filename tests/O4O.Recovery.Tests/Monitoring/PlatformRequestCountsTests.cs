using O4O.Recovery.Monitoring;

namespace O4O.Recovery.Tests.Monitoring;

public sealed class PlatformRequestCountsTests
{
    [Fact]
    public void Requests_and_5xx_are_summed_by_route_across_methods_with_escaped_labels_timestamps_and_other_series_left_alone()
    {
        const string Exposition = """
            # TYPE http_server_request_duration_seconds histogram
            http_server_request_duration_seconds_bucket{http_route="/api/v1/orders/",http_response_status_code="500",le="+Inf"} 7
            http_server_request_duration_seconds_count{http_request_method="POST",http_response_status_code="201",http_route="/api/v1/orders/"} 40
            http_server_request_duration_seconds_count{http_request_method="POST",http_response_status_code="500",http_route="/api/v1/orders/",error_type="Npgsql.PostgresException"} 2
            http_server_request_duration_seconds_count{http_request_method="GET",http_response_status_code="503",http_route="/api/v1/orders/"} 1 1765080000000
            http_server_request_duration_seconds_count{http_request_method="GET",http_response_status_code="200",http_route="/say \"hi\", then {leave}"} 3
            http_server_request_duration_seconds_count{http_request_method="GET",http_response_status_code="404"} 5
            http_server_request_duration_seconds_count{broken="no closing quote} 9
            http_server_active_requests{http_request_method="GET"} 1
            """;

        var counts = PlatformRequestCounts.Parse(Exposition);

        Assert.Equal(43, counts.Requests["/api/v1/orders/"]);
        Assert.Equal(3, counts.ServerErrors["/api/v1/orders/"]);
        Assert.Equal(3, counts.Requests["/say \"hi\", then {leave}"]);
        Assert.Equal(5, counts.Requests[""]);
        Assert.Equal(51, counts.TotalRequests);
        Assert.Equal(3, counts.TotalServerErrors);
    }
}
