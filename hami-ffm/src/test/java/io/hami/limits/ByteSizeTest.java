package io.hami.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ByteSizeTest {
    @ParameterizedTest
    @CsvSource({"0,0", "17,17", "1k,1024", "1K,1024", "8g,8589934592", "8G,8589934592", "8gb,8589934592",
            "8GiB,8589934592", "10gb,10737418240", "512m,536870912", "1.5g,1610612736", "2t,2199023255552",
            "' 4g ',4294967296", "4933000000,4933000000"})
    void parses_binary_units(String text, long bytes) {
        assertThat(ByteSize.parse(text)).isEqualTo(bytes);
    }

    @ParameterizedTest
    @ValueSource(strings = {"10xb", "8gg", "g", "", " ", "-1g", "1e9", "99999999999999999999"})
    void refuses_what_it_cannot_read_with_a_message(String text) {
        assertThatThrownBy(() -> ByteSize.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageMatching(".*(size|suffix|number).*");
    }

    @ParameterizedTest
    @CsvSource({"17,17 B", "1024,1.0 KiB", "8589934592,8.0 GiB", "1610612736,1.5 GiB"})
    void formats(long bytes, String text) {
        assertThat(ByteSize.format(bytes)).isEqualTo(text);
    }
}
