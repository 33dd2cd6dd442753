using O4O.Recovery.Offsite;

namespace O4O.Recovery.Tests.Offsite;

/// <summary>Sealed archives round-trip, and every way of changing one is a verification failure, never wrong output.</summary>
public sealed class ArchiveCipherTests : IDisposable
{
    private readonly SealedFiles _files = new();

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(SealedFiles.ChunkSize)]
    [InlineData(SealedFiles.ChunkSize + 1)]
    [InlineData((SealedFiles.ChunkSize * 4) + 17)]
    [InlineData(SealedFiles.ChunkSize * 5)]
    public async Task Empty_one_byte_one_chunk_and_many_chunk_inputs_come_back_as_they_went_in(int length)
    {
        var plain = SealedFiles.RandomBytes(length);

        var sealedBytes = await _files.SealAsync(plain);
        var (written, failure) = await _files.OpenAsync(sealedBytes);

        Assert.Null(failure);
        Assert.Equal(plain, written);
        var chunks = Math.Max(1, (length + SealedFiles.ChunkSize - 1) / SealedFiles.ChunkSize);
        Assert.Equal(_files.HeaderLength + length + (16 * chunks), sealedBytes.Length);
    }

    [Fact]
    public async Task Megabyte_chunks_round_trip_an_input_of_several_chunks_and_a_part()
    {
        var plain = SealedFiles.RandomBytes((ArchiveCipher.DefaultChunkSize * 3) + 12345);

        var sealedBytes = await _files.SealAsync(plain, chunkSize: ArchiveCipher.DefaultChunkSize);
        var (written, failure) = await _files.OpenAsync(sealedBytes);

        Assert.Null(failure);
        Assert.Equal(plain, written);
    }

    [Fact]
    public async Task Two_sealings_of_the_same_input_differ_and_neither_shows_the_plaintext()
    {
        var plain = new byte[SealedFiles.ChunkSize * 2];

        var first = await _files.SealAsync(plain);
        var second = await _files.SealAsync(plain);

        Assert.NotEqual(first, second);
        Assert.DoesNotContain(first.Skip(_files.HeaderLength).Chunk(16), block => block.All(value => value == 0));
    }

    [Fact]
    public async Task A_flipped_bit_anywhere_in_the_file_fails_verification_and_nothing_but_authentic_chunks_is_written()
    {
        var plain = SealedFiles.RandomBytes((SealedFiles.ChunkSize * 3) + 10);
        var sealedBytes = await _files.SealAsync(plain);

        for (var position = 0; position < sealedBytes.Length; position++)
        {
            var damaged = sealedBytes.ToArray();
            damaged[position] ^= 0x10;

            var (written, failure) = await _files.OpenAsync(damaged);

            Assert.True(failure is not null, $"a flip at byte {position} went unnoticed");
            Assert.Equal(plain.Take(written.Length), written);
            Assert.True(written.Length % SealedFiles.ChunkSize == 0, $"a flip at byte {position} wrote part of a chunk");
        }
    }

    [Fact]
    public async Task An_archive_cut_after_any_whole_chunk_is_named_truncated()
    {
        var sealedBytes = await _files.SealAsync(SealedFiles.RandomBytes(SealedFiles.ChunkSize * 4));

        for (var chunks = 1; chunks < 4; chunks++)
        {
            var (_, failure) = await _files.OpenAsync(sealedBytes[..(_files.HeaderLength + (chunks * SealedFiles.Record))]);

            Assert.Equal(SealedArchiveFailure.Truncated, failure?.Failure);
            Assert.Contains($"ends after chunk {chunks - 1}", failure!.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task An_archive_cut_anywhere_fails_verification()
    {
        var sealedBytes = await _files.SealAsync(SealedFiles.RandomBytes((SealedFiles.ChunkSize * 2) + 5));

        for (var length = 0; length < sealedBytes.Length; length++)
        {
            var (_, failure) = await _files.OpenAsync(sealedBytes[..length]);

            Assert.True(failure is not null, $"cut to {length} bytes went unnoticed");
        }
    }

    [Fact]
    public async Task Reordered_dropped_and_foreign_chunks_fail_verification()
    {
        var sealedBytes = await _files.SealAsync(SealedFiles.RandomBytes((SealedFiles.ChunkSize * 3) + 8));
        var other = await _files.SealAsync(SealedFiles.RandomBytes((SealedFiles.ChunkSize * 3) + 8));
        var header = sealedBytes[.._files.HeaderLength];
        var chunks = sealedBytes[_files.HeaderLength..].Chunk(SealedFiles.Record).ToArray();
        var otherChunks = other[_files.HeaderLength..].Chunk(SealedFiles.Record).ToArray();

        byte[][] cases =
        [
            [.. header, .. chunks[1], .. chunks[0], .. chunks[2], .. chunks[3]],
            [.. header, .. chunks[0], .. chunks[2], .. chunks[3]],
            [.. header, .. chunks[0], .. otherChunks[1], .. chunks[2], .. chunks[3]],
            [.. other[.._files.HeaderLength], .. chunks[0], .. chunks[1], .. chunks[2], .. chunks[3]],
        ];
        foreach (var damaged in cases)
        {
            var (written, failure) = await _files.OpenAsync(damaged);

            Assert.Equal(SealedArchiveFailure.Tampered, failure?.Failure);
            Assert.True(written.Length <= SealedFiles.ChunkSize);
        }
    }

    [Fact]
    public async Task A_chunk_or_a_byte_appended_after_the_last_chunk_fails_verification()
    {
        var sealedBytes = await _files.SealAsync(SealedFiles.RandomBytes(SealedFiles.ChunkSize * 2));
        var lastChunk = sealedBytes[^SealedFiles.Record..];

        var (_, appendedChunk) = await _files.OpenAsync([.. sealedBytes, .. lastChunk]);
        var (_, appendedByte) = await _files.OpenAsync([.. sealedBytes, 0]);

        Assert.Equal(SealedArchiveFailure.TrailingData, appendedChunk?.Failure);
        Assert.Equal(SealedArchiveFailure.TrailingData, appendedByte?.Failure);
    }

    [Fact]
    public async Task The_wrong_key_under_the_same_id_and_a_key_the_ring_lacks_are_named_and_open_nothing()
    {
        var sealedBytes = await _files.SealAsync(SealedFiles.RandomBytes(100));
        var impostor = new ArchiveKey(_files.Key.Id, SealedFiles.RandomBytes(ArchiveKey.Length), DateTimeOffset.UtcNow);
        var stranger = ArchiveKey.Generate(DateTimeOffset.UtcNow);

        var (wrongWritten, wrong) = await _files.OpenAsync(sealedBytes, ArchiveKeyRing.Of([impostor], "impostor.json"));
        var (unknownWritten, unknown) = await _files.OpenAsync(sealedBytes, ArchiveKeyRing.Of([stranger], "stranger.json"));

        Assert.Equal(SealedArchiveFailure.WrongKey, wrong?.Failure);
        Assert.Equal(SealedArchiveFailure.UnknownKey, unknown?.Failure);
        Assert.Contains(_files.Key.Id, unknown!.Message, StringComparison.Ordinal);
        Assert.Contains("stranger.json", unknown.Message, StringComparison.Ordinal);
        Assert.Empty(wrongWritten);
        Assert.Empty(unknownWritten);
    }

    [Fact]
    public async Task A_file_that_was_never_sealed_is_named_as_such()
    {
        var (_, plainGzip) = await _files.OpenAsync([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]);
        var (_, empty) = await _files.OpenAsync([]);

        Assert.Equal(SealedArchiveFailure.NotSealed, plainGzip?.Failure);
        Assert.Equal(SealedArchiveFailure.NotSealed, empty?.Failure);
    }

    public void Dispose() => _files.Dispose();
}
