# Spectral ops in TorchScript: every function is compiled by torch.jit.script
# and by wick, called on the same seeded inputs, and the results compared
# (tests/harness/spectral_vs_torch.py). Complex results are returned through
# view_as_real, abs or angle: values.md has no encoding for complex numbers.
from typing import Tuple

import torch
from torch import Tensor


def rfft_last(x: Tensor) -> Tensor:
    return torch.view_as_real(torch.fft.rfft(x))


def rfft_padded_dim0_ortho(x: Tensor) -> Tensor:
    return torch.view_as_real(torch.fft.rfft(x, n=16, dim=0, norm="ortho"))


def fft_trimmed_forward(x: Tensor) -> Tensor:
    return torch.view_as_real(torch.fft.fft(x, 7, -1, "forward"))


def fft_round_trip(x: Tensor) -> Tuple[Tensor, Tensor]:
    z = torch.fft.ifft(torch.fft.fft(x))
    return torch.real(z), torch.imag(z)


def irfft_lengths(x: Tensor) -> Tuple[Tensor, Tensor, Tensor]:
    z = torch.fft.rfft(x)
    return torch.fft.irfft(z), torch.fft.irfft(z, n=x.size(-1)), torch.fft.irfft(z, 5, norm="ortho")


def fft_of_complex(x: Tensor) -> Tensor:
    z = torch.view_as_complex(x)
    return torch.view_as_real(torch.fft.fft(z, norm="ortho"))


def complex_parts(x: Tensor) -> Tuple[Tensor, Tensor, Tensor, Tensor, Tensor]:
    z = torch.fft.rfft(x)
    return torch.abs(z), torch.angle(z), torch.view_as_real(torch.conj(z).resolve_conj()), z.real, z.imag


def stft_centered_hann(x: Tensor) -> Tensor:
    w = torch.hann_window(16)
    z = torch.stft(x, 16, hop_length=4, window=w, return_complex=True)
    return torch.log1p(torch.pow(torch.abs(z), 2))


def stft_odd_sizes(x: Tensor) -> Tensor:
    z = torch.stft(x, 12, hop_length=3, win_length=8, center=False, normalized=True, onesided=False, return_complex=True)
    return torch.view_as_real(z)


def stft_constant_pad_real_result(x: Tensor) -> Tensor:
    w = torch.hamming_window(10)
    return torch.stft(x, 10, 5, window=w, pad_mode="constant", return_complex=False)


def stft_method_uncentered(x: Tensor) -> Tensor:
    return torch.view_as_real(x.stft(8, return_complex=True))


def stft_double(x: Tensor) -> Tensor:
    return torch.view_as_real(torch.stft(x.double(), 8, 2, return_complex=True))


def istft_round_trip(x: Tensor) -> Tuple[Tensor, Tensor]:
    w = torch.hann_window(16)
    z = torch.stft(x, 16, hop_length=4, window=w, return_complex=True)
    y = torch.istft(z, 16, hop_length=4, window=w)
    y2 = torch.istft(z, 16, hop_length=4, window=w, length=x.size(-1) + 3)
    return y, y2


def istft_uncentered_normalized(x: Tensor) -> Tensor:
    z = torch.stft(x, 12, hop_length=3, center=False, normalized=True, return_complex=True)
    return torch.istft(z, 12, hop_length=3, center=False, normalized=True)


def istft_two_sided_complex(x: Tensor) -> Tensor:
    z = torch.stft(x, 8, hop_length=2, onesided=False, return_complex=True)
    return torch.view_as_real(torch.istft(z, 8, hop_length=2, onesided=False, return_complex=True))


def complex_dtype(x: Tensor) -> Tuple[int, bool, bool]:
    z = torch.fft.fft(x)
    return z.dtype, z.is_complex(), x.is_complex()


def complex_arithmetic(x: Tensor) -> Tuple[Tensor, Tensor, Tensor, Tensor, Tensor]:
    z = torch.fft.rfft(x)
    w = torch.fft.rfft(x * 2.0 + 1.0)
    return (torch.view_as_real(z * torch.conj(z).resolve_conj()), torch.view_as_real(z + 1.5),
            torch.view_as_real(z / w), torch.view_as_real(z - torch.abs(w)), torch.view_as_real(2.0 * z - w))


def complex_makers(x: Tensor) -> Tuple[Tensor, Tensor, Tensor]:
    a = torch.complex(x, x * 0.5)
    p = torch.polar(torch.abs(x), x)
    c = x.to(torch.complex64)
    return torch.view_as_real(a), torch.view_as_real(p), torch.view_as_real(c * a)


def spectral_filter(x: Tensor) -> Tensor:
    # A spectrum scaled by a real gain and transformed back: low-pass by hand.
    z = torch.fft.rfft(x)
    gain = torch.linspace(1.0, 0.0, z.size(-1))
    return torch.fft.irfft(z * gain, n=x.size(-1))



def fft2_family(x: Tensor) -> Tuple[Tensor, Tensor, Tensor, Tensor]:
    z = torch.fft.fft2(x)
    r = torch.fft.rfft2(x, norm="ortho")
    return (torch.view_as_real(z), torch.view_as_real(torch.fft.ifft2(z)), torch.view_as_real(r),
            torch.fft.irfft2(r, s=[x.size(-2), x.size(-1)], norm="ortho"))


def fftn_family(x: Tensor) -> Tuple[Tensor, Tensor, Tensor, Tensor]:
    z = torch.fft.fftn(x, s=[4, 6], dim=[0, 2])
    r = torch.fft.rfftn(x)
    return (torch.view_as_real(z), torch.view_as_real(torch.fft.ifftn(z, dim=[0, 2])), torch.view_as_real(r),
            torch.fft.irfftn(r, x.shape))


def frequencies_and_shifts(x: Tensor) -> Tuple[Tensor, Tensor, Tensor, Tensor, Tensor]:
    return (torch.fft.fftfreq(7), torch.fft.rfftfreq(8, 0.5), torch.fft.fftshift(x), torch.fft.ifftshift(x, dim=1),
            torch.fft.fftfreq(4, d=0.1, dtype=torch.float64))

class MelSpectrogram(torch.nn.Module):
    """A log-mel front end as torchaudio builds one: stft, power, mel matrix."""

    def __init__(self, n_fft: int = 32, hop: int = 8, n_mels: int = 6):
        super().__init__()
        self.n_fft = n_fft
        self.hop = hop
        self.register_buffer("window", torch.hann_window(n_fft))
        self.register_buffer("mel", torch.rand(n_fft // 2 + 1, n_mels))

    def forward(self, wave: Tensor) -> Tensor:
        spec = torch.stft(wave, self.n_fft, self.hop, window=self.window, return_complex=True)
        power = spec.abs().pow(2.0)
        mel = torch.matmul(power.transpose(-1, -2), self.mel).transpose(-1, -2)
        return torch.log(mel + 1e-6)


class Denoiser(torch.nn.Module):
    """stft, a learned real mask on the magnitude, phase kept, istft back."""

    def __init__(self, n_fft: int = 16):
        super().__init__()
        self.n_fft = n_fft
        self.register_buffer("window", torch.hann_window(n_fft))
        self.mask = torch.nn.Linear(n_fft // 2 + 1, n_fft // 2 + 1)

    def forward(self, wave: Tensor) -> Tensor:
        spec = torch.stft(wave, self.n_fft, self.n_fft // 4, window=self.window, return_complex=True)
        gain = torch.sigmoid(self.mask(spec.abs().transpose(-1, -2))).transpose(-1, -2)
        clean = torch.polar(spec.abs() * gain, spec.angle())
        return torch.istft(clean, self.n_fft, self.n_fft // 4, window=self.window, length=wave.size(-1))
