package dockercoins.rng;

public class Rng {
    public static void main(String[] args) {
        System.out.println("placeholder");
    }
}
