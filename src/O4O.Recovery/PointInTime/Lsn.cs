using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace O4O.Recovery.PointInTime;

/// <summary>A write-ahead log position, written by PostgreSQL as <c>X/Y</c>: the high and low 32 bits in hexadecimal.</summary>
/// <param name="Value">The position as one 64-bit number.</param>
internal readonly record struct Lsn(ulong Value) : IComparable<Lsn>
{
    /// <summary>Reads <c>X/Y</c> as <c>pg_current_wal_lsn()</c> and pg_waldump write it (<c>0/1551A28</c>, <c>0/01552210</c>).</summary>
    /// <exception cref="FormatException">The text is not two hexadecimal numbers of up to 32 bits separated by a slash.</exception>
    public static Lsn Parse(string text) =>
        TryParse(text, out var lsn) ? lsn : throw new FormatException($"'{text}' is not a WAL location (X/Y in hexadecimal).");

    /// <summary>Reads <c>X/Y</c>; false when <paramref name="text"/> is not one.</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, out Lsn lsn)
    {
        lsn = default;
        return text is not null && TryParse(text.AsSpan(), out lsn);
    }

    /// <summary>Reads <c>X/Y</c>; false when <paramref name="text"/> is not one.</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out Lsn lsn)
    {
        lsn = default;
        var slash = text.IndexOf('/');
        if (slash <= 0
            || !uint.TryParse(text[..slash], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var high)
            || !uint.TryParse(text[(slash + 1)..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var low))
        {
            return false;
        }

        lsn = new Lsn(((ulong)high << 32) | low);
        return true;
    }

    /// <summary>As PostgreSQL writes it: <c>0/1551A28</c>.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Value >> 32:X}/{Value & uint.MaxValue:X}");

    public int CompareTo(Lsn other) => Value.CompareTo(other.Value);

    public static bool operator <(Lsn left, Lsn right) => left.Value < right.Value;

    public static bool operator >(Lsn left, Lsn right) => left.Value > right.Value;

    public static bool operator <=(Lsn left, Lsn right) => left.Value <= right.Value;

    public static bool operator >=(Lsn left, Lsn right) => left.Value >= right.Value;
}
