using Backprop.IO;

namespace Backprop.Tests.Reliability;

/// <summary>
/// One test per input the fuzzer found that made a reader fail in a way other than a one-line
/// BackpropException (or allocate out of proportion); each runs through the fuzzer's own checks.
/// </summary>
public class FuzzRegressionTests
{
    private static void AssertRefused(string reader, byte[] bytes, Action<byte[]> read)
    {
        var (accepted, _) = Fuzzer.Execute(reader, bytes, read);
        Assert.False(accepted);
        Assert.Contains("fuzz", Assert.Throws<BackpropException>(() => read(bytes)).Message);
    }

    [Fact]
    public void Checkpoint_ConfusionMatrixSizeWhoseSquareOverflows()
    {
        // A history entry claimed a 2037672300×2037672300 confusion matrix: k·k·4 overflowed long and passed the size check.
        byte[] bytes = FuzzTests.Reframe(Convert.FromBase64String(
            "YmFja3Byb3AuY2hlY2twb2ludC8xCqwEAAAAAAAAFAAAAAwAAAAtLWFjdGl2YXRpb24EAAAAcmVsdQcAAAAtLWJhdGNoAQAAADIMAAAALS1jaGVja3BvaW50WQAAAC93b3JrL3d0LXJlbGlhYmlsaXR5L3Rlc3RzL0JhY2twcm9wLlRlc3RzL1JlbGlhYmlsaXR5L0Z1enpDb3JwdXMvY2hlY2twb2ludC9hZGFtLWYzMi5ja3B0EgAAAC0tY2hlY2twb2ludC1ldmVyeQEAAAAwBgAAAC0tZGF0YQMAAAB4b3IHAAAALS1kZXB0aAEAAAAzCAAAAC0tZXBvY2hzAQAAADIGAAAALS1qc29uBQAAAEZhbHNlCAAAAC0tbGF5ZXJzBQAAADItMy0yBgAAAC0tbG9zcw0AAABjcm9zc19lbnRyb3B5CgAAAC0tbW9tZW50dW0BAAAAMAsAAAAtLW9wdGltaXplcgQAAABhZGFtCwAAAC0tcHJlY2lzaW9uAwAAAGYzMggAAAAtLXJlc3VtZQUAAABGYWxzZQYAAAAtLXNlZWQBAAAAMQkAAAAtLXRocmVhZHMBAAAAMg4AAAAtLXdlaWdodC1kZWNheQEAAAAwBwAAAC0td2lkdGgCAAAANjQPAAAAaW5pdGlhbCBuZXR3b3JrTgAAAGRlbnNlIDLDlzMg4oaSIHJlbHUg4oaSIGRlbnNlIDPDlzIg4oeSIGNyb3NzX2VudHJvcHkgKHNoYTI1NiBlNmEyOWU3Njk4NmJkZTU5KQ0AAAB0cmFpbmluZyBkYXRhNwAAAHhvcjogNCBleGFtcGxlcyBvZiAyIGZlYXR1cmVzIChzaGEyNTYgM2QyNmExMTVlOTkzODI3OCkCAAAAAQAAAAAAAKBmt+s/AAAAAAAA0D9sHcEy27q0PwQAAAAAAAAAAQAAAIj94+o/AAAAAAAA0D8CAAAAAQAAAAEAAAACAAAAAAAAAAIAAAAAAAB4q57qPwAAAAAAANA/ibvVzotuCD8EAAAAAAAAAAEAAAA4n0zqPwAAAAAAAGJpbGl0eS9GdXp6Q29ycHVzL2NoZWNrcG9pbnQvYWRhbS3QPwIAAAABAAAAAQAAAAIAAAAAAAAAmgEAAAcAAAB0cmFpbmVyBAAAAAIAAACU6dFbAgAAAAQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAACAAAAAwAAAAYAAAD2uw0/QTo5Purqqr+z9V4/NvuTvi51dLwBAAAAAwAAAAMAAACEZw69lYQDPKKukrwDAAAAAgAAAAYAAACEFS8/UOkpv1KtBr9rbLS+85PSP/Rtrb4BAAAAAgAAAAIAAABrAsu8awLLPAQAAABhZGFtexSuR+F6hD/NzMzMzMzsPyuHFtnO9+8/Ooww4o55RT4AAAAAAAAAAAQAAAABBAAAAAYAAACid4g9fBcHvAAAAAB906U9AAAAAPbxgD0DAAAAljglPoMRALv28YA9BgAAAJ5hnj2fYZ693rgYPN24GLyRJsM4kSbDuAIAAACO15Y9jteWvQEEAAAABgAAAFk/xDmj6ZQ2AAAAAJ/OEzoAAAAAhxEeOgMAAABigrU6hF3vNocRHjoGAAAADlbIORBWyDmevNI2nLzSNhwHtTAcB7UwAgAAAL7BNzq9wTc6NOJ93WblRw8ZyJtnoFs+8SSUwZjEk/b9wfGQgIWrEfg="));
        AssertRefused("checkpoint content", bytes, FuzzTests.ReadCheckpoint);
    }

    [Fact]
    public void Checkpoint_NegativeZeroWeightDecay_IsRefusedNotSilentlyChanged()
    {
        // Adam's weight decay saved as -0 compared equal to 0, was restored, and saved back as 0: the state changed on a
        // round trip. Settings now compare bit for bit.
        byte[] bytes = FuzzTests.Reframe(Convert.FromBase64String(
            "YmF/a3Byb3AuY2hlY2twb2ludC8xCrcBAAAAAAAAAQAAAAYAAAAtLWRhdGEDAAAAeG9yAAAAAJoBAAAHAAAAdHJhaW5lcgQAAAACAAAAlOnRWwIAAAAEAAAAAQEAAAAAAAAgtzbrPwEAAAAAAAAACKOjZllBDT8EAAAAAgAAAAMAAAAGAAAAwloPP73cMT7q6qq/YJBgPzb7k74cQie8AQAAAAMAAAADAAAAKonbvDr62jszKli8AwAAAAIAAAAGAAAA+/EwP8fFK79c7QS/Vuy3vlgu0z+K16++AQAAAAIAAAACAAAAPSGhvD0hoTwEAAAAYWRhbXsUrkfheoQ/zczMzMzM7D8rhxbZzvfvPzqMMOKOeUU+AAAAAAAAAIADAAAAAQQAAAAGAAAApBXGPCCPWLsAAAAAY9cGPQAAAAC8RY89AwAAANM3lD3qjHE7vEWPPQYAAADPTPw8z0z8vHgXdjt2F3a7hdXYOIXV2LgCAAAA0PxbO9D8W7sBBAAAAAYAAAD/izU5suzeNQAAAADZkp05AAAAAAg6HjoDAAAATPLwOTxGkjYIOh46BgAAACwADjkrrw45gro4Nn66ODaANbUwgDW1MAIAAADeHlQ52h5UOaFIn6ZcAHeLpzQrVqncLuXwGgIzSEADSw5UBxCcjC7D"));
        Fuzzer.Execute("checkpoint content", bytes, FuzzTests.ReadCheckpoint);
        var state = Checkpoint.FromBytes(bytes, "fuzz.ckpt").TrainerState;
        var trainer = new Backprop.Training.Trainer<float>(Backprop.Model.NetworkSpec.Mlp([2, 3, 2], "relu", "cross_entropy", seed: 1).Build<float>(), new Backprop.Training.Adam<float>(0.01), 2, 1);
        Assert.Contains("weight decay -0, this one 0", Assert.Throws<BackpropException>(() => trainer.RestoreState(state, "fuzz.ckpt")).Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Idx_SizeClaimsAreCheckedAgainstTheInputBeforeAllocating(bool gzip)
    {
        // A 16-byte file claiming 2,147,418,112 bytes of data: BinaryReader.ReadBytes allocated all of it before reading.
        byte[] idx = [0, 0, 8, 1, 0x7f, 0xff, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8];
        if (gzip)
        {
            using var packed = new MemoryStream();
            using (var z = new System.IO.Compression.GZipStream(packed, System.IO.Compression.CompressionLevel.Optimal, leaveOpen: true)) z.Write(idx);
            idx = packed.ToArray();
        }
        Action<byte[]> read = gzip ? FuzzTests.ReadIdxGz : FuzzTests.ReadIdx;
        var (accepted, allocated) = Fuzzer.Execute("IDX", idx, read);
        Assert.False(accepted);
        Assert.True(allocated < Fuzzer.AllocationBudget(idx.Length), $"{allocated} bytes");
        Assert.Contains("truncated", Assert.Throws<BackpropException>(() => read(idx)).Message);
    }
}
