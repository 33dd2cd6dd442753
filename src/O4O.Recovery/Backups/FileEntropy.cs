namespace O4O.Recovery.Backups;

/// <summary>
/// Shannon entropy in bits per byte, from a sample of a file: its start, middle and end. Text and most documents lie
/// between 4 and 6; compressed or encrypted content is close to 8. Ransomware that encrypts a file in place turns the
/// one into the other, and so does one that encrypts only the start of each file.
/// </summary>
internal static class FileEntropy
{
    /// <summary>
    /// The longest a recorded entropy is written in a manifest ("7.77"): the manifest leads the archive and room is left
    /// for it before the values are known.
    /// </summary>
    public const double Longest = 7.77;

    private const int SampleLength = 16 * 1024;

    /// <summary>The entropy of up to three 16 KiB samples of <paramref name="path"/>, rounded to 2 decimals.</summary>
    public static async Task<double> SampleAsync(string path, CancellationToken cancellationToken)
    {
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.Asynchronous);
        var length = file.Length;
        var offsets = length <= 3 * SampleLength ? [0L] : new[] { 0L, (length / 2) - (SampleLength / 2), length - SampleLength };
        var sample = new byte[Math.Min(length, 3L * SampleLength)];
        var chunk = offsets.Length == 1 ? sample.Length : SampleLength;
        var filled = 0;
        foreach (var offset in offsets)
        {
            file.Position = offset;
            filled += await file.ReadAtLeastAsync(sample.AsMemory(filled, chunk), chunk, throwOnEndOfStream: false, cancellationToken);
        }

        return Of(sample.AsSpan(0, filled));
    }

    /// <summary>The entropy of <paramref name="bytes"/>, rounded to 2 decimals; 0 for none.</summary>
    public static double Of(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty)
        {
            return 0;
        }

        Span<int> counts = stackalloc int[256];
        foreach (var value in bytes)
        {
            counts[value]++;
        }

        var entropy = 0.0;
        foreach (var count in counts)
        {
            if (count > 0)
            {
                var p = (double)count / bytes.Length;
                entropy -= p * Math.Log2(p);
            }
        }

        return Math.Round(entropy, 2);
    }
}
