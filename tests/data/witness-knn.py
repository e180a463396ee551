# Witness for the score-to-class rule (not run by the tests; needs
# Debian's python3-sklearn 1.2): a k-NN with k=4 on scikit-learn's bundled
# breast_cancer data gives scores in quarters, 9 of them exactly 0.5 on this
# split. scikit-learn's predict() takes the negative class on such a tie
# (argmax of [0.5, 0.5] is 0), so accuracy is that of score > 0.5.
# Writes knn4-breast-cancer.jsonl and prints the metrics the tests pin.
import json
from sklearn.datasets import load_breast_cancer
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import train_test_split
from sklearn.neighbors import KNeighborsClassifier

X, y = load_breast_cancer(return_X_y=True)
Xa, Xb, ya, yb = train_test_split(X, y, test_size=0.5, random_state=0)
m = KNeighborsClassifier(n_neighbors=4).fit(Xa, ya)
p = m.predict_proba(Xb)[:, 1]
with open("knn4-breast-cancer.jsonl", "w") as f:
    for label, score in zip(yb, p):
        f.write(json.dumps({"label": int(label), "score": float(score)}) + "\n")
pred = m.predict(Xb)
print("ties", int((p == 0.5).sum()))
print("accuracy", repr(accuracy_score(yb, pred)))
print("f1", repr(f1_score(yb, pred)))
print("accuracy with >=", repr(accuracy_score(yb, (p >= 0.5).astype(int))))
