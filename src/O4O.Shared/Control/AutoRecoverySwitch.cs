namespace O4O.Recovery.Control;

/// <summary>The AutoRecovery switch as the control API shows it.</summary>
/// <param name="Enabled">On or off.</param>
/// <param name="ChangedBy">Who switched it last; null when it never was (on by default).</param>
/// <param name="ChangedAt">When; null when it never was.</param>
public sealed record AutoRecoveryStatus(bool Enabled, string? ChangedBy, DateTimeOffset? ChangedAt);

/// <summary>A request to switch AutoRecovery.</summary>
/// <param name="Enabled">On or off.</param>
/// <param name="Actor">Who asks (an e-mail address, a user name).</param>
public sealed record AutoRecoveryRequest(bool Enabled, string Actor);
