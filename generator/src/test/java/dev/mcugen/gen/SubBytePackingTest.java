package dev.mcugen.gen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mcugen.ir.Shape;
import dev.mcugen.ir.quant.IntTensor;
import org.junit.jupiter.api.Test;

/** The packed layout and codes mcu_nn.h's mcu_sub8_matrix_t states. */
class SubBytePackingTest {
    @Test
    void fourBitSymmetricWeightsTwoPerByteLowNibbleFirstRowsPaddedToAByte() {
        // 2 rows x 3 columns: [-7, 7, 3], [0, -1, 1]; k = w + 8
        IntTensor w = IntTensor.of(Shape.of(2, 3), 8, new int[] {-7, 7, 3, 0, -1, 1}).withDeclaredBits(4, false);
        byte[] b = SubBytePacking.pack(w, (r, c) -> (int) w.get(r * 3 + c), 2, 3);
        assertThat(SubBytePacking.rowBytes(3, 4)).isEqualTo(2);
        assertThat(b).containsExactly((byte) 0xF1, (byte) 0x0B, (byte) 0x78, (byte) 0x09);
        assertThat(SubBytePacking.codeScale(w)).isEqualTo(1);
        assertThat(SubBytePacking.codeOffset(w)).isEqualTo(8);
    }

    @Test
    void twoBitBalancedOddLevelsFourPerByteFirstColumnInTheLowestBits() {
        // one row [-3, -1, 1, 3, 1]; k = (w + 3) / 2 = 0, 1, 2, 3, 2
        IntTensor w = IntTensor.of(Shape.of(1, 5), 8, new int[] {-3, -1, 1, 3, 1}).withDeclaredBits(2, true);
        byte[] b = SubBytePacking.pack(w, (r, c) -> (int) w.get(c), 1, 5);
        assertThat(b).containsExactly((byte) 0xE4, (byte) 0x02);
        assertThat(SubBytePacking.codeScale(w)).isEqualTo(2);
        assertThat(SubBytePacking.codeOffset(w)).isEqualTo(3);
        // symmetric 2 bits: -1, 0, 1 as k = w + 2
        IntTensor s = IntTensor.of(Shape.of(1, 3), 8, new int[] {-1, 0, 1}).withDeclaredBits(2, false);
        assertThat(SubBytePacking.pack(s, (r, c) -> (int) s.get(c), 1, 3)).containsExactly((byte) (1 | 2 << 2 | 3 << 4));
    }

    @Test
    void onlyTheDeclaredWidthDecidesPackingAndValuesOffTheGridAreRefused() {
        // values that would fit 2 bits, declared 8: not packed; declared 3: int8 with a narrowed range
        IntTensor plain = IntTensor.of(Shape.of(1, 2), 8, new int[] {1, -1});
        assertThat(SubBytePacking.packed(plain)).isFalse();
        assertThat(SubBytePacking.packed(plain.withDeclaredBits(3, false))).isFalse();
        assertThat(SubBytePacking.packed(plain.withDeclaredBits(2, false))).isTrue();
        assertThatThrownBy(() -> IntTensor.of(Shape.of(1, 1), 8, new int[] {8}).withDeclaredBits(4, false))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> IntTensor.of(Shape.of(1, 1), 8, new int[] {2}).withDeclaredBits(2, true))
                .isInstanceOf(IllegalArgumentException.class);
        // a declared tensor is not equal to the same values undeclared (the C differs)
        assertThat(plain.withDeclaredBits(2, false)).isNotEqualTo(plain);
    }
}
