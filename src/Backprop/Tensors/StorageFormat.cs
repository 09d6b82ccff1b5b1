using System.Numerics;

namespace Backprop.Tensors;

/// <summary>
/// The number format values are stored in between operations. Mixed-precision training computes in
/// float32 but keeps activations and gradients in a 16-bit format; rounding a float32 buffer to that
/// format (and back) shows exactly what the 16 bits lose: float16 flushes magnitudes below 2⁻²⁴ to zero
/// and overflows above 65504; bfloat16 keeps float32's range but only 8 bits of significand.
/// </summary>
public enum StorageFormat
{
    /// <summary>32-bit IEEE floats: nothing is rounded.</summary>
    Float32,

    /// <summary>IEEE half precision: 5 exponent bits, 10 significand bits.</summary>
    Float16,

    /// <summary>bfloat16: float32's 8 exponent bits, 7 significand bits.</summary>
    BFloat16,
}

/// <summary>Sizes, names and rounding of the storage formats.</summary>
public static class StorageFormats
{
    /// <summary>The smallest positive float16 (a subnormal): 2⁻²⁴. Anything below half of it rounds to zero.</summary>
    public const double Float16MinSubnormal = 5.9604644775390625e-8;

    /// <summary>The smallest normal float16: 2⁻¹⁴. Below it float16 loses precision bit by bit.</summary>
    public const double Float16MinNormal = 6.103515625e-5;

    /// <summary>The largest finite float16.</summary>
    public const double Float16Max = 65504;

    /// <summary>Bytes per stored value.</summary>
    /// <param name="format">The format.</param>
    public static int Bytes(StorageFormat format) => format == StorageFormat.Float32 ? 4 : 2;

    /// <summary>The format's name: f32, fp16 or bf16.</summary>
    /// <param name="format">The format.</param>
    public static string Name(StorageFormat format) => format switch
    {
        StorageFormat.Float16 => "fp16",
        StorageFormat.BFloat16 => "bf16",
        _ => "fp32",
    };

    /// <summary>x rounded to float16 (round to nearest even, as System.Half converts), returned as float.</summary>
    public static float ToFloat16(float x) => (float)(Half)x;

    /// <summary>
    /// x rounded to bfloat16: the top 16 bits of the float32, rounded to nearest even on the 16 bits
    /// dropped. NaN stays NaN (rounding its bits could carry it into infinity).
    /// </summary>
    public static float ToBFloat16(float x)
    {
        if (float.IsNaN(x)) return x;
        uint bits = BitConverter.SingleToUInt32Bits(x);
        uint lsb = (bits >> 16) & 1;
        bits += 0x7FFFu + lsb;
        return BitConverter.UInt32BitsToSingle(bits & 0xFFFF0000u);
    }

    /// <summary>Rounds every value in place to the format (no-op for float32).</summary>
    public static void Round<T>(StorageFormat format, Span<T> values) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (format == StorageFormat.Float32) return;
        for (int i = 0; i < values.Length; i++)
        {
            float x = float.CreateTruncating(values[i]);
            values[i] = T.CreateTruncating(format == StorageFormat.Float16 ? ToFloat16(x) : ToBFloat16(x));
        }
    }
}
