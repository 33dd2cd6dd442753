namespace O4O.Recovery.Configuration;

/// <summary>The <c>Verify</c> section: the runbook's phase 4 (<c>o4o verify</c>).</summary>
public sealed class VerifyOptions
{
    /// <summary>The configuration section name.</summary>
    public const string Section = "Verify";

    /// <summary>The platform's address; the local platform (<c>Platform:Port</c>) when unset.</summary>
    public Uri? BaseAddress { get; set; }

    /// <summary>The smoke-test account's e-mail; without it the login check fails (<c>O4O__Verify__Email</c>).</summary>
    public string? Email { get; set; }

    /// <summary>The smoke-test account's password (never printed).</summary>
    public string? Password { get; set; }

    /// <summary>How many timed health requests (the runbook's <c>for i in {1..10}</c>).</summary>
    public int HealthRequests { get; set; } = 10;

    /// <summary>The load test's total requests (the runbook's <c>ab -n 1000</c>).</summary>
    public int LoadRequests { get; set; } = 1000;

    /// <summary>The load test's concurrency (the runbook's <c>ab -c 10</c>).</summary>
    public int LoadConcurrency { get; set; } = 10;

    /// <summary>The longest a single request may take.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);
}
